// Text selection as W3C TextPositionSelector offsets: shared by the pages where a selection becomes a quote.
// window.PeerSelection.within(selector) -> { container, start, end, text } for the current selection inside
// one element matching `selector` (offsets in that element's textContent, trimmed of edge whitespace), or null.
"use strict";

(() => {
  // Offset of (node, offset) in the container's textContent.
  function offsetIn(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function within(selector) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    const node = range.commonAncestorContainer;
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const container = element?.closest(selector);
    if (!container) return null;
    const text = container.textContent;
    let start = offsetIn(container, range.startContainer, range.startOffset);
    let end = offsetIn(container, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (end <= start) return null;
    return { container, start, end, text: text.slice(start, end) };
  }

  window.PeerSelection = { offsetIn, within };
})();
