// Each E2E class starts its own app process and Chromium; on a 2-core machine running them one at a time
// keeps timings (circuit revalidation, grid loads, axe on settled pages) away from starvation.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
