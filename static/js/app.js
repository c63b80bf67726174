// Loaded on every page. The offline feature (inspections/sync) owns this file:
// it registers the service worker at /sw.js.
