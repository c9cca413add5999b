/*
 * Runs the widget set-up calls Wagtail makes from inline <script> elements, which the admin's
 * Content-Security-Policy refuses (script-src 'self'). Our overrides of those templates
 * (templates/wagtailadmin/widgets/*_input.html, panels/*inline*; choosers: govsites/security/csp.py)
 * leave an inert
 * <template data-gs-init="initDateChooser" data-gs-id="…" data-gs-args="{json}"> instead; this
 * file finds them — at page load and whenever Wagtail inserts HTML later (a new inline form,
 * a modal) — and makes the same call once.
 */
(function () {
  'use strict';
  if (window.govsitesCspInit) {
    return;
  }
  var CALLS = {
    initDateChooser: function (el, args) { window.initDateChooser(el.dataset.gsId, args); },
    initTimeChooser: function (el, args) { window.initTimeChooser(el.dataset.gsId, args); },
    initDateTimeChooser: function (el, args) { window.initDateTimeChooser(el.dataset.gsId, args); },
    InlinePanel: function (el, args) { return new window.InlinePanel(args); },
    MultipleChooserPanel: function (el, args) { return new window.MultipleChooserPanel(args); },
    createTaskChooser: function (el, args) { window.createTaskChooser.apply(window, args); },
  };
  // "new:PageChooser" and the like (govsites/security/csp.py): a chooser widget's constructor
  var CONSTRUCTOR = /^new:([A-Za-z]*Chooser)$/;

  function lookup(name) {
    var m = CONSTRUCTOR.exec(name || '');
    if (!m) {
      return CALLS[name];
    }
    return function (el, args) {
      var Ctor = window[m[1]];
      return new (Function.prototype.bind.apply(Ctor, [null].concat(args)))();
    };
  }

  function run(el) {
    var call = lookup(el.dataset.gsInit);
    if (!call || el.dataset.gsDone) {
      return;
    }
    el.dataset.gsDone = '1';
    call(el, JSON.parse(el.dataset.gsArgs || 'null'));
  }

  function scan(node) {
    if (node.nodeType !== 1) {
      return;
    }
    if (node.matches('template[data-gs-init]')) {
      run(node);
    }
    node.querySelectorAll('template[data-gs-init]').forEach(run);
  }

  function start() {
    scan(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) { m.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  window.govsitesCspInit = { scan: scan };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
