// Starts Wagtail's admin widgets without inline scripts (spero_site/admin_widgets.py): each
// <template data-spero-init="NAME" data-spero-init-args="[...]"> stands where Wagtail wrote
// <script>NAME(...args)</script>. Each is started once, in document order, whether it came
// with the page (while it is parsed, as the inline script ran), from InlinePanel's "add" or
// from a dialog's template. StreamField's widgets carry no marker: telepath starts them.
(() => {
  "use strict";

  // The only names a marker may carry (INITIALISERS in spero_site/admin_widgets.py).
  const INITIALISERS = {
    initDateChooser: (id, config) => window.initDateChooser(id, config),
    initTimeChooser: (id, config) => window.initTimeChooser(id, config),
    initDateTimeChooser: (id, config) => window.initDateTimeChooser(id, config),
    InlinePanel: (options) => new window.InlinePanel(options),
    MultipleChooserPanel: (options) => new window.MultipleChooserPanel(options),
    Chooser: (id, options) => new window.Chooser(id, options),
    PageChooser: (id, options) => new window.PageChooser(id, options),
    ImageChooser: (id, options) => new window.ImageChooser(id, options),
    DocumentChooser: (id, options) => new window.DocumentChooser(id, options),
    SnippetChooser: (id, options) => new window.SnippetChooser(id, options),
    createTaskChooser: (id) => window.createTaskChooser(id),
  };
  const SELECTOR = "template[data-spero-init]";
  // A marker moved with its form (InlinePanel's up and down) is not started again.
  const started = new WeakSet();

  function start(marker) {
    if (started.has(marker)) return;
    started.add(marker);
    const name = marker.dataset.speroInit;
    if (!Object.hasOwn(INITIALISERS, name)) {
      console.error(`admin-init: no initialiser ${name}`);
      return;
    }
    try {
      INITIALISERS[name](...JSON.parse(marker.dataset.speroInitArgs));
    } catch (error) {
      console.error(error); // one broken widget does not stop the others
    }
  }

  function startWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches(SELECTOR)) start(node);
    node.querySelectorAll(SELECTOR).forEach(start);
  }

  new MutationObserver((records) => {
    records.forEach((record) => record.addedNodes.forEach(startWithin));
  }).observe(document.documentElement, { childList: true, subtree: true });
  // MultipleChooserPanel fills in a new form's chooser right after adding it, in the same
  // call: the observer would be too late, this event comes in time.
  document.addEventListener("w-formset:added", (event) => startWithin(event.target));
  document.addEventListener("DOMContentLoaded", () => startWithin(document.documentElement));
})();
