// Placeholder: this file belongs to the offline feature (static/js/offline.js is owned by the
// sync/offline engineer, who replaces it). The checklist page loads it; it does nothing yet.
