// The post editor: a formatting toolbar, a preview, @mention suggestions and a draft kept in
// this browser. Progressive enhancement only: without this file the plain textarea and the
// form's own Preview button (which asks the server) still work.
//
// A form opts in with data-editor, data-preview-url and data-mention-url; its textarea is
// the field named "body".

const DRAFT_PREFIX = "ic-draft:";
const SENT_KEY = "ic-draft-sent";

function announce(region, text) {
  // Cleared first so the same words are read out again.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function liveRegion(after, id) {
  const region = document.createElement("p");
  region.id = id;
  region.className = "nhsuk-u-visually-hidden";
  region.setAttribute("aria-live", "polite");
  after.after(region);
  return region;
}

// ---------------------------------------------------------------- toolbar

function replaceSelection(textarea, make) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const [text, caretFrom, caretTo] = make(value.slice(start, end));
  textarea.focus();
  textarea.setRangeText(text, start, end, "end");
  textarea.setSelectionRange(start + caretFrom, start + caretTo);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function linePrefix(prefix) {
  return (selected) => {
    const lines = (selected || "").split("\n");
    const text = lines.map((line) => prefix + line).join("\n");
    return selected ? [text, 0, text.length] : [prefix, prefix.length, prefix.length];
  };
}

const ACTIONS = [
  {
    label: "Bold",
    keys: "b",
    make: (s) => {
      const inner = s || "bold text";
      return [`**${inner}**`, 2, 2 + inner.length];
    },
  },
  {
    label: "Link",
    keys: "k",
    make: (s) => {
      const text = s || "link text";
      const out = `[${text}](https://)`;
      // The address is selected, ready to be typed over.
      return [out, text.length + 3, out.length - 1];
    },
  },
  { label: "Bulleted list", make: linePrefix("- ") },
  { label: "Quote", make: linePrefix("> ") },
];

function buildToolbar(textarea) {
  const bar = document.createElement("div");
  bar.className = "ic-editor__toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Formatting");
  bar.setAttribute("aria-controls", textarea.id);
  const buttons = ACTIONS.map((action, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ic-editor__button";
    button.textContent = action.label;
    if (action.keys) button.setAttribute("aria-keyshortcuts", `Control+${action.keys.toUpperCase()}`);
    button.tabIndex = index === 0 ? 0 : -1;
    button.addEventListener("click", () => replaceSelection(textarea, action.make));
    bar.append(button);
    return button;
  });
  // One tab stop; arrow keys move along the toolbar (the ARIA toolbar pattern).
  bar.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = buttons[(to + buttons.length) % buttons.length];
    buttons.forEach((b) => (b.tabIndex = b === next ? 0 : -1));
    next.focus();
  });
  textarea.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const action = ACTIONS.find((a) => a.keys === event.key.toLowerCase());
    if (action) {
      event.preventDefault();
      replaceSelection(textarea, action.make);
    }
  });
  return bar;
}

// ---------------------------------------------------------------- preview

function setUpPreview(form, textarea, status, shown) {
  const button = form.querySelector('button[name="preview"]');
  if (!button || !form.dataset.previewUrl) return;
  // The panel the server draws after a Preview without JavaScript, or one like it.
  let panel = document.querySelector('section[aria-labelledby="preview-heading"]');
  if (!panel) {
    panel = document.createElement("section");
    panel.className = "ic-post";
    panel.hidden = true;
    panel.setAttribute("aria-labelledby", "preview-heading");
    panel.innerHTML = '<h2 class="nhsuk-heading-s" id="preview-heading">Preview</h2><div class="ic-markdown"></div>';
    form.before(panel);
  }
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const token = form.querySelector('input[name="csrf_token"]');
    const body = new FormData();
    body.append("body", textarea.value);
    if (token) body.append("csrf_token", token.value);
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const { html } = await response.json();
      // Sanitised by the server (community/markdown.py), as a saved post is.
      const content = panel.querySelector(".ic-markdown");
      content.innerHTML = html;
      panel.hidden = false;
      shown(content);
      announce(status, "Preview updated, above the form.");
    } catch {
      announce(status, "The preview could not be shown just now. Your text is kept.");
    }
  });
}

// ---------------------------------------------------------------- @mentions

const MENTION_BEFORE_CARET = /(?:^|[^\w@/])@([a-z][a-z0-9_-]{1,29})$/i;

function setUpMentions(form, textarea, status) {
  const url = form.dataset.mentionUrl;
  if (!url) return;
  const list = document.createElement("ul");
  list.id = `${textarea.id}-mentions`;
  list.className = "ic-editor__mentions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People to mention");
  list.hidden = true;
  textarea.after(list);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", list.id);
  let people = [];
  let active = -1;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    people = [];
    active = -1;
    textarea.removeAttribute("aria-activedescendant");
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) textarea.setAttribute("aria-activedescendant", list.children[index].id);
  };
  const choose = (index) => {
    const match = textarea.value.slice(0, textarea.selectionStart).match(MENTION_BEFORE_CARET);
    const person = people[index];
    if (!match || !person) return close();
    const end = textarea.selectionStart;
    const start = end - match[1].length;
    textarea.setRangeText(`${person.username} `, start, end, "end");
    close();
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    announce(status, `Mentioned ${person.name}.`);
  };

  textarea.addEventListener("input", async (event) => {
    const match = textarea.value.slice(0, textarea.selectionStart).match(MENTION_BEFORE_CARET);
    if (!match) return close();
    const number = ++asked;
    let found = [];
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(match[1])}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      found = response.ok ? (await response.json()).people : []; // the one people lookup
    } catch {
      found = [];
    }
    if (number !== asked) return; // a later keystroke asked again
    if (!found.length) {
      close();
      return;
    }
    people = found;
    list.replaceChildren(
      ...found.map((person, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = `${person.name} (@${person.username})${person.organisation ? `, ${person.organisation}` : ""}`;
        li.addEventListener("mousedown", (e) => {
          e.preventDefault(); // keep the caret in the textarea
          choose(i);
        });
        return li;
      }),
    );
    list.hidden = false;
    highlight(0);
    const n = found.length;
    announce(status, `${n} ${n === 1 ? "person" : "people"} to mention: up and down arrows to choose, Enter to pick, Escape to close.`);
  });

  textarea.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + people.length) % people.length);
      announce(status, list.children[active].textContent);
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (active >= 0) {
        event.preventDefault();
        choose(active);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  textarea.addEventListener("blur", () => window.setTimeout(close, 150));
}

// ---------------------------------------------------------------- draft

function draftKey(form) {
  const to = form.querySelector('input[name="reply_to"]');
  const action = new URL(form.action, window.location.href).pathname;
  return `${DRAFT_PREFIX}${action}${to && to.value ? `?to=${to.value}` : ""}`;
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage switched off: the editor works, without drafts
  }
}

// A post that was sent and came back as another page (the thread) was saved: forget its draft.
// A form shown again (a mistake to correct) keeps it.
function forgetSentDrafts() {
  const store = storage();
  let sent = null;
  try {
    sent = window.sessionStorage.getItem(SENT_KEY);
    window.sessionStorage.removeItem(SENT_KEY);
  } catch {
    return;
  }
  if (!store || !sent) return;
  const stillHere = [...document.querySelectorAll("form[data-editor]")].some((f) => draftKey(f) === sent);
  if (!stillHere) store.removeItem(sent);
}

function setUpDraft(form, textarea, status) {
  const store = storage();
  if (!store || form.dataset.draft === "off") return;
  const key = draftKey(form);
  const initial = textarea.value;
  const kept = store.getItem(key);
  if (kept && kept !== initial && kept.trim()) {
    textarea.value = kept;
    const note = document.createElement("div");
    note.className = "ic-editor__draft nhsuk-body-s";
    note.innerHTML = '<span>Your unsent draft from this browser is back.</span> <button type="button" class="ic-editor__button">Discard draft</button>';
    note.querySelector("button").addEventListener("click", () => {
      store.removeItem(key);
      textarea.value = initial;
      note.remove();
      textarea.focus();
      announce(status, "Draft discarded.");
    });
    textarea.before(note);
    announce(status, "Your unsent draft was restored.");
  }
  let timer = 0;
  const keep = () => {
    window.clearTimeout(timer);
    if (textarea.value.trim() && textarea.value !== initial) store.setItem(key, textarea.value);
    else store.removeItem(key);
  };
  textarea.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(keep, 300);
  });
  // Kept at once, not 300 ms later, when the writer leaves the box or the page: a tab closed
  // just after the last key keeps it too.
  textarea.addEventListener("blur", keep);
  window.addEventListener("pagehide", keep);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keep();
  });
  form.addEventListener("submit", (event) => {
    const preview = event.submitter && event.submitter.name === "preview";
    if (textarea.value.trim()) store.setItem(key, textarea.value);
    if (!preview) {
      try {
        window.sessionStorage.setItem(SENT_KEY, key);
      } catch {
        // no session storage: the draft stays until discarded
      }
    }
  });
}

// ---------------------------------------------------------------- quoting a selection

// Pressing Reply under a post with part of it selected quotes just that part: the reply page
// receives the words as `quote` and starts the reply with them (community/discussions/quoting.py
// checks they are in the post). Without this, Reply quotes the whole post.
function selectedIn(article) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
  const range = selection.getRangeAt(0);
  const body = article.querySelector(":scope > .ic-markdown");
  if (!body || !body.contains(range.commonAncestorContainer)) return "";
  return selection.toString().trim();
}

function setUpQuoteSelection() {
  for (const link of document.querySelectorAll("article.ic-post a[href*='?to=']")) {
    const article = link.closest("article");
    let captured = "";
    // Pressing the link would clear the selection before the click: keep it first.
    link.addEventListener("pointerdown", () => {
      captured = selectedIn(article);
    });
    link.addEventListener("click", () => {
      const words = selectedIn(article) || captured;
      captured = "";
      if (!words) return;
      const target = new URL(link.href, window.location.href);
      target.searchParams.set("quote", words.slice(0, 2000));
      link.href = target.pathname + target.search + target.hash;
    });
  }
}

// `shown(element)` is called on content the editor adds to the page (app.js fits wide tables).
export function initEditors({ shown = () => {} } = {}) {
  forgetSentDrafts();
  setUpQuoteSelection();
  for (const form of document.querySelectorAll("form[data-editor]")) {
    const textarea = form.querySelector('textarea[name="body"]');
    if (!textarea) continue;
    const wrapper = textarea.closest(".nhsuk-form-group") || textarea;
    const status = liveRegion(wrapper, `${textarea.id}-editor-status`);
    textarea.before(buildToolbar(textarea));
    setUpPreview(form, textarea, status, shown);
    setUpMentions(form, textarea, status);
    setUpDraft(form, textarea, status);
  }
}
