// Zelfevaluatie editor: autosave per question, offline copies, conflicts (rich text: richtext.js).
// Without this file the page still works: one "Opslaan" button saves the whole section.
"use strict";

(() => {
  const form = document.querySelector("form.selfeval-form[data-autosave-base]");
  if (!form) return;
  const status = document.getElementById("save-status");
  const csrf = form.querySelector("input[name=csrf_token]").value;
  // Keyed by the signed-in user (app.js draftKey): another user on this browser never sees these drafts.
  const prefix = window.draftKey(form.dataset.storagePrefix.replace(/^peerreview:/, ""));
  const SAVE_DELAY = 1200;


  // ---------- autosave ---------------------------------------------------------------------------
  const questions = [...form.querySelectorAll("[data-question]")];
  const stateOf = (q) => q.querySelector(".autosave-state");
  const baseInput = (q) => form.querySelector(`input[name="${CSS.escape(q.dataset.question)}.__base"]`);
  const storageKey = (q) => prefix + q.dataset.question;

  function fields(q) {
    return [...q.querySelectorAll("input[name], textarea[name], select[name]")].filter((el) => !el.name.endsWith(".__base"));
  }

  function collect(q) {
    const data = new FormData();
    data.append("csrf_token", csrf);
    data.append(`${q.dataset.question}.__base`, baseInput(q).value);
    fields(q).forEach((el) => {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function remember(q) {
    const entries = fields(q).map((el) => [el.name, el.type === "checkbox" || el.type === "radio" ? el.checked : el.value, el.value]);
    try {
      localStorage.setItem(storageKey(q), JSON.stringify({ base: baseInput(q).value, at: Date.now(), entries }));
    } catch (e) { /* storage full or blocked: the save itself still runs */ }
  }

  function restore(q, stored) {
    const byName = new Map();
    stored.entries.forEach(([name, value, raw]) => byName.set(`${name}\u0000${raw}`, value).set(name, value));
    fields(q).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") el.checked = byName.get(`${el.name}\u0000${el.value}`) === true;
      else if (byName.has(el.name)) {
        el.value = byName.get(el.name);
        if (el.editor) el.editor.innerHTML = el.value;
      }
    });
  }

  function setState(q, text, kind) {
    const el = stateOf(q);
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", kind === "error");
  }

  function banner(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("offline", kind === "offline");
  }

  const time = () => new Date().toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });

  async function save(q) {
    clearTimeout(q.timer);
    if (q.saving) { q.again = true; return; }
    if (!q.dirty) return;
    q.saving = true;
    const edit = q.edits;
    setState(q, "Bezig met opslaan…");
    const url = form.dataset.autosaveBase.replace("__KEY__", encodeURIComponent(q.dataset.question));
    try {
      const response = await fetch(url, {
        method: "POST", body: collect(q), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      });
      if (response.redirected || response.url.includes("/inloggen")) {
        setState(q, "Niet opgeslagen: je bent uitgelogd.", "error");
        banner("Je sessie is verlopen. Je tekst staat veilig in deze browser. Log in een nieuw tabblad opnieuw in en kom dan terug: dan slaan we hem alsnog op.", "offline");
        return;
      }
      const data = await response.json();
      if (response.ok) {
        baseInput(q).value = data.revision;
        if (q.edits === edit) {
          q.dirty = false;
          localStorage.removeItem(storageKey(q));
        } else {
          remember(q);
        }
        q.querySelector(".conflict.js")?.remove();
        setState(q, `Opgeslagen om ${time()} (versie ${data.revision})`);
        if (!questions.some((other) => other.dirty)) banner("");
      } else if (response.status === 409) {
        showConflict(q, data.current);
      } else {
        setState(q, data.error || "Opslaan is niet gelukt. Probeer het opnieuw.", "error");
      }
    } catch (error) {
      setState(q, "Nog niet opgeslagen: geen verbinding.", "error");
      banner("Geen verbinding met de server. Je tekst is bewaard in deze browser en wordt opgeslagen zodra de verbinding terug is.", "offline");
      q.retry = true;
    } finally {
      q.saving = false;
      if (q.again) { q.again = false; save(q); }
    }
  }

  function showConflict(q, current) {
    // Leaving the editor to press a button autosaves once more; keep the box that is already
    // shown for this revision, or the click would land on a box that was just replaced.
    const shown = q.querySelector(".conflict.js");
    if (shown && shown.dataset.revision === String(current.revision)) return;
    shown?.remove();
    const box = document.createElement("div");
    box.className = "conflict js";
    box.setAttribute("role", "alert");
    box.dataset.revision = current.revision;
    const who = current.by ? `${current.by}, ${current.at}` : "een collega";
    box.innerHTML = `<p><strong>Iemand anders heeft dit antwoord intussen opgeslagen (${who}, versie ${current.revision}).</strong>
      Jouw tekst is niet opgeslagen maar ook niet verloren: hij staat nog in het veld hieronder. Dit is de opgeslagen versie:</p>
      <div class="theirs"></div>
      <div class="actions"><button type="button" class="keep-mine">Mijn versie opslaan</button>
      <button type="button" class="secondary take-theirs">Opgeslagen versie overnemen</button></div>
      <p class="hint">Neem eerst over wat je uit de opgeslagen versie wilt houden, en sla dan jouw versie op.</p>`;
    box.querySelector(".theirs").innerHTML = current.html || "<p class='empty'>(leeg)</p>"; // rendered and cleaned by the server
    box.querySelector(".keep-mine").addEventListener("click", () => {
      baseInput(q).value = current.revision;
      q.dirty = true;
      save(q);
    });
    box.querySelector(".take-theirs").addEventListener("click", () => {
      localStorage.removeItem(storageKey(q));
      q.dirty = false;
      window.location.reload();
    });
    q.querySelector(".question-label").after(box);
    setState(q, "Niet opgeslagen: er is een nieuwere versie.", "error");
  }

  // Live length indicator against the question's word guideline.
  function countWords(q) {
    const hint = q.querySelector("[data-words-hint]");
    if (!hint) return;
    const text = [...q.querySelectorAll(".editor-area")].map((el) => el.innerText).join(" ");
    const words = (text.match(/[\p{L}\p{N}]+/gu) || []).length;
    const target = Number(hint.dataset.wordsHint);
    hint.textContent = `${words} woorden · richtlijn ongeveer ${target}` + (words > target * 1.5 ? " — dat is ruim meer dan nodig" : "");
  }

  questions.forEach((q) => {
    q.dirty = false;
    q.edits = 0;
    countWords(q);
    q.addEventListener("input", () => countWords(q));
    const changed = () => {
      q.dirty = true;
      q.edits += 1;
      remember(q);
      setState(q, "Wijzigingen nog niet opgeslagen");
      clearTimeout(q.timer);
      q.timer = setTimeout(() => save(q), SAVE_DELAY);
    };
    q.addEventListener("input", changed);
    q.addEventListener("change", (event) => { if (event.target.type !== "textarea") changed(); else save(q); });
    q.addEventListener("focusout", () => { if (q.dirty) save(q); });

    // A copy left in this browser (connection lost, tab closed before saving)?
    const raw = localStorage.getItem(storageKey(q));
    if (!raw) return;
    const stored = JSON.parse(raw);
    restore(q, stored);
    q.dirty = true;
    if (stored.base === baseInput(q).value) {
      banner("Niet-opgeslagen tekst uit deze browser is teruggezet en wordt nu opgeslagen.");
      save(q);
    } else {
      setState(q, "In deze browser stond een niet-opgeslagen versie; die staat nu in het veld.", "error");
      save(q); // the server answers 409 with the newer version: both are shown
    }
  });

  window.addEventListener("online", () => {
    banner("De verbinding is terug. We slaan je wijzigingen op…");
    questions.filter((q) => q.dirty).forEach(save);
  });
  setInterval(() => questions.filter((q) => q.dirty && q.retry && !q.saving).forEach(save), 15000);
  window.addEventListener("beforeunload", (event) => {
    if (questions.some((q) => q.dirty || q.saving)) { event.preventDefault(); event.returnValue = ""; }
  });
  form.addEventListener("submit", () => questions.forEach((q) => { q.dirty = false; localStorage.removeItem(storageKey(q)); }));
})();
