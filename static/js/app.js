// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";
import { initEditors } from "./editor.js";
// Forms that take a person suggest people as you type (the file says how).
import "./people-lookup.js";

initAll();

// "Print this page" on a method's printable view; without JavaScript the button stays hidden.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// A table or chart wider than the screen scrolls inside its own box, never the page (a 375 px
// phone; charts keep a width at which their text stays legible, see app.css). The box is a
// labelled region that takes focus when it scrolls, so a keyboard can scroll it too (WCAG 2.1.1),
// and its shaded edges show there is more. Without JavaScript the stylesheet lets the table or
// chart itself scroll on narrow screens.
function boxLabel(content, number) {
  const title =
    content.tagName === "TABLE"
      ? content.caption && content.caption.textContent
      : content.querySelector("title") && content.querySelector("title").textContent;
  const name = title && title.trim().replace(/\s+/g, " ");
  const kind = content.tagName === "TABLE" ? "Table" : "Chart";
  return name ? `${kind}: ${name}` : `${kind} ${number}`;
}

function markScrolling(box, label) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  box.classList.toggle("ic-table-scroll--scrolls", scrolls);
  if (scrolls) {
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", `${label} (scroll sideways to see it all)`);
    box.tabIndex = 0;
  } else {
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
    box.removeAttribute("tabindex");
  }
}

const scrollBoxes = [];
const WIDE = "table, svg.ic-chart, svg.ic-chart__svg";
// Put each wide table or chart under `root` in its own scrolling box (also for content
// shown later, such as the editor's preview).
function fitWide(root) {
  for (const content of root.querySelectorAll(WIDE)) {
    let box = content.parentElement;
    if (!box.classList.contains("ic-table-scroll")) {
      box = document.createElement("div");
      box.className = "ic-table-scroll";
      content.before(box);
      box.append(content);
    }
    const entry = [box, boxLabel(content, scrollBoxes.length + 1)];
    scrollBoxes.push(entry);
    markScrolling(...entry);
  }
}
const markAll = () => scrollBoxes.forEach(([box, label]) => markScrolling(box, label));
const main = document.querySelector("main");
if (main) fitWide(main);
if ("ResizeObserver" in window) {
  new ResizeObserver(markAll).observe(document.documentElement);
}

// The post editor (toolbar, preview, @mentions, draft) and quoting a selected part of a post.
initEditors({ shown: fitWide });
