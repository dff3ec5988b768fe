// A logo (BrandLogo.razor) whose image does not load gives way to its name. The content security policy allows no
// inline onerror handler, so one listener in the capture phase sees every image's error and load (neither bubbles),
// including images Blazor renders later; images that failed before this script ran are found by the first scan.
(function () {
    function mark(img, broken) {
        var logo = img.closest('[data-logo]');
        if (logo) logo.classList.toggle('logo-broken', broken);
    }
    document.addEventListener('error', function (e) { if (e.target instanceof HTMLImageElement) mark(e.target, true); }, true);
    document.addEventListener('load', function (e) { if (e.target instanceof HTMLImageElement) mark(e.target, false); }, true);
    function scan() {
        document.querySelectorAll('[data-logo] img').forEach(function (img) {
            if (img.complete) mark(img, img.naturalWidth === 0 && img.naturalHeight === 0);
        });
    }
    scan();
    document.addEventListener('DOMContentLoaded', scan);
})();
