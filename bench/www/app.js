document.addEventListener('DOMContentLoaded', () => {
  console.log('tenk demo page loaded');
});
