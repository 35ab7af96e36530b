// Suggestions of people as you type a name, organisation or username: the ARIA 1.2 combobox
// pattern (a text input with role="combobox" controlling a listbox popup).
//
// Keyboard: Down and Up move through the suggestions (Down opens them), Enter picks one,
// Escape closes them (what was typed stays), Tab leaves as usual.
// A polite live region says how many people were found. Picking someone fills the field with
// their name and a hidden "chosen" field with their username, so the server takes exactly that
// person. Without this file the form still works: the server matches what was typed and
// offers radio buttons when several people match (community/people/forms.py).

const WAIT_MS = 250; // after the last keystroke before asking the server
const SHORTEST = 2;
let widgets = 0;

function describe(person) {
  return [person.name, person.organisation, person.username].filter(Boolean);
}

function setUp(container) {
  const input = container.querySelector("input[type=text], input:not([type])");
  if (!input) return;
  const endpoint = container.dataset.personLookup;
  const form = input.form;
  widgets += 1;
  const listId = `people-lookup-${widgets}`;

  const wrapper = document.createElement("div");
  wrapper.className = "ic-combobox";
  input.before(wrapper);
  wrapper.append(input);

  const list = document.createElement("ul");
  list.id = listId;
  list.className = "ic-combobox__list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People matching what you typed");
  list.hidden = true;
  wrapper.append(list);

  const status = document.createElement("div");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrapper.append(status);

  let chosen = form.querySelector("input[type=hidden][name=chosen]");
  if (!chosen) {
    chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = "chosen";
    form.append(chosen);
  }
  chosen.disabled = true; // sent only once someone is picked from the suggestions

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");
  const hint = container.querySelector(".nhsuk-hint");
  const howTo = document.createElement("span");
  howTo.className = "nhsuk-u-visually-hidden";
  howTo.id = `${listId}-how`;
  howTo.textContent = "Suggestions appear as you type. Use the up and down arrows to choose.";
  wrapper.append(howTo);
  const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  input.setAttribute("aria-describedby", [...describedBy, howTo.id].join(" "));

  let people = [];
  let active = -1;
  let timer = null;
  let pending = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    const current = options[active];
    input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  function pick(index) {
    const person = people[index];
    if (!person) return;
    input.value = person.name;
    chosen.value = person.username;
    chosen.disabled = false;
    // Choices the server offered earlier are for what was typed before.
    const radios = container.querySelector(".nhsuk-radios");
    if (radios) radios.closest(".nhsuk-form-group").remove();
    close();
    status.textContent = `${describe(person).join(", ")} chosen.`;
  }

  function show(found, more) {
    people = found;
    list.replaceChildren();
    people.forEach((person, index) => {
      const option = document.createElement("li");
      option.id = `${listId}-option-${index}`;
      option.className = "ic-combobox__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.className = "ic-combobox__name";
      name.textContent = person.name;
      const detail = document.createElement("span");
      detail.className = "ic-combobox__detail";
      detail.textContent = [person.organisation, person.username].filter(Boolean).join(", ");
      option.append(name, " ", detail);
      // mousedown, not click: the input keeps focus, so the list does not close first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(index);
      });
      list.append(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (people.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      const count = people.length === 1 ? "1 person" : `${more ? "More than " : ""}${people.length} people`;
      status.textContent = `${count} found. Use the up and down arrows to choose, then Enter.`;
    } else {
      close();
      status.textContent = "No one matches. Check the spelling, or try their username.";
    }
  }

  async function ask(text) {
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const response = await fetch(`${endpoint}?q=${encodeURIComponent(text)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal,
      });
      if (!response.ok) return; // signed out or too many requests: the form still works
      const body = await response.json();
      if (input.value.trim() === text) show(body.people || [], body.more);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    chosen.disabled = true;
    chosen.value = "";
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.replace(/^@/, "").length < SHORTEST) {
      close();
      return;
    }
    timer = setTimeout(() => ask(text), WAIT_MS);
  });

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open && people.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter") {
      if (open && active >= 0) {
        event.preventDefault(); // pick, do not submit the form yet
        pick(active);
      }
    } else if (event.key === "Escape") {
      clearTimeout(timer); // and suggestions on their way stay away
      if (pending) pending.abort();
      if (open) {
        event.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("blur", close);
}

for (const container of document.querySelectorAll("[data-person-lookup]")) {
  setUp(container);
}
