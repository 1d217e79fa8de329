// The office's weeks start on Monday. Streamlit's date pickers take the first day of the week
// from the browser's language (navigator.language), so that language is given the Unicode
// "first weekday: Monday" extension (-u-fw-mon); everything else about it stays as it was.
(function () {
  try {
    var own = navigator.language || "en-GB";
    if (own.indexOf("-u-") !== -1) return;
    var monday = new Intl.Locale(own + "-u-fw-mon").toString();
    Object.defineProperty(Navigator.prototype, "language", {
      configurable: true,
      get: function () { return monday; },
    });
  } catch (e) {
    // An old browser without Intl.Locale keeps its own first day of the week.
  }
})();
