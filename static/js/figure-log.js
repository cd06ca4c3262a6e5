// Live "reads as" for the screen that logs a document's figures: as a figure is
// typed, ask the server how it reads (the same parser as saving). Without this file
// the Preview button does the same.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".figure-log-form");
  if (!form) return;
  const url = form.dataset.readingUrl;
  const timers = new WeakMap();

  async function show(input) {
    const output = input.closest(".figure-row").querySelector(".reading");
    const figure = input.value.trim();
    if (!figure) {
      output.textContent = "";
      output.classList.remove("problem");
      return;
    }
    const response = await fetch(`${url}?figure=${encodeURIComponent(figure)}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok || input.value.trim() !== figure) return;
    const answer = await response.json();
    output.textContent = answer.error || `Reads as ${answer.reading}`;
    output.classList.toggle("problem", Boolean(answer.error));
  }

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.classList.contains("figure-input")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => show(input), 250));
  });
});
