// Each E2E class starts its own app process and Chromium; on a 2-core machine running them one at a time
// (one collection for the whole assembly) keeps timings away from starvation.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
