// Rich text editor for every <textarea class="richtext">: a small toolbar (bold, italic, lists, sub-heading,
// link) and cleaning of text pasted from Word or web pages. The textarea stays the form field, so the
// form works the same without this file. data-allow="blockquote" on a textarea allows quotes as well.
"use strict";

(() => {
  const BASE = ["P", "BR", "STRONG", "EM", "B", "I", "UL", "OL", "LI", "A", "H3", "H4"];

  function cleanFragment(html, allowed) {
    // Word and web pages paste styles, classes, spans and comments: keep only our allow-list.
    const doc = new DOMParser().parseFromString(html, "text/html");
    const out = document.createElement("div");
    const walk = (node, parent) => {
      node.childNodes.forEach((child) => {
        if (child.nodeType === Node.TEXT_NODE) {
          parent.appendChild(document.createTextNode(child.textContent.replace(/\u00a0/g, " ")));
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          let tag = child.tagName;
          if (["SCRIPT", "STYLE", "XML", "META", "TITLE", "O:P"].includes(tag)) return;
          if (tag === "DIV") tag = "P";
          if (tag === "H1" || tag === "H2") tag = "H3";
          if (allowed.has(tag)) {
            const el = document.createElement(tag);
            if (tag === "A" && /^(https?:|mailto:)/i.test(child.getAttribute("href") || "")) {
              el.setAttribute("href", child.getAttribute("href"));
            }
            walk(child, el);
            parent.appendChild(el);
          } else {
            walk(child, parent); // unwrap spans, fonts, tables' cells etc.
          }
        }
      });
    };
    walk(doc.body, out);
    return out.innerHTML.replace(/<p>\s*<\/p>/g, "");
  }

  function makeEditor(textarea) {
    const extra = (textarea.dataset.allow || "").toUpperCase().split(/\s+/).filter(Boolean);
    const allowed = new Set([...BASE, ...extra]);
    const wrapper = document.createElement("div");
    wrapper.className = "editor";
    const toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Opmaak");
    const area = document.createElement("div");
    area.className = "editor-area prose";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", textarea.getAttribute("aria-label") || "Tekst");
    if (textarea.getAttribute("aria-describedby")) area.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    area.innerHTML = textarea.value;
    const buttons = [
      ["Vet", "bold"], ["Cursief", "italic"], ["Opsomming", "insertUnorderedList"],
      ["Nummering", "insertOrderedList"], ["Tussenkop", "heading"], ["Link", "link"],
    ];
    if (allowed.has("BLOCKQUOTE")) buttons.push(["Citaat", "quote"]);
    buttons.forEach(([label, command]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", () => {
        area.focus();
        if (command === "heading") document.execCommand("formatBlock", false, "H3");
        else if (command === "quote") document.execCommand("formatBlock", false, "BLOCKQUOTE");
        else if (command === "link") {
          const url = window.prompt("Adres van de link (https://…)");
          if (url && /^(https?:|mailto:)/i.test(url)) document.execCommand("createLink", false, url);
        } else document.execCommand(command);
        sync();
      });
      toolbar.appendChild(b);
    });
    const sync = () => {
      textarea.value = area.innerHTML;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    };
    area.addEventListener("input", sync);
    area.addEventListener("paste", (event) => {
      event.preventDefault();
      const data = event.clipboardData;
      const html = data.getData("text/html");
      const text = data.getData("text/plain");
      const clean = html ? cleanFragment(html, allowed)
        : text.split(/\n{2,}/).map((p) => `<p>${p.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]).replace(/\n/g, "<br>")}</p>`).join("");
      document.execCommand("insertHTML", false, clean);
      sync();
    });
    textarea.hidden = true;
    textarea.editor = area;
    textarea.after(wrapper);
    wrapper.append(toolbar, area);
    area.addEventListener("focusout", () => textarea.dispatchEvent(new Event("change", { bubbles: true })));
  }

  document.querySelectorAll("textarea.richtext").forEach(makeEditor);
})();
