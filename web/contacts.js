// The contacts editor: the user's contacts (GET/PUT /api/v1/contacts), whose names and
// aliases "call" and "message" resolve, and which the recognizer learns to hear.

function split(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

export class ContactsEditor {
  constructor({ list, template, add, save, status }, session) {
    this.list = list;
    this.template = template;
    this.status = status;
    this.session = session;
    add.addEventListener("click", () => this.row({ name: "", phones: [], aliases: [] }).querySelector("input").focus());
    save.addEventListener("click", () => this.save());
  }

  row(contact) {
    const li = this.template.content.firstElementChild.cloneNode(true);
    const name = li.querySelector(".c-name");
    name.value = contact.name || "";
    li.querySelector(".c-phones").value = (contact.phones || []).join(", ");
    li.querySelector(".c-aliases").value = (contact.aliases || []).join(", ");
    const remove = li.querySelector(".c-remove");
    const label = () => remove.setAttribute("aria-label", `Remove ${name.value || "this contact"}`);
    label();
    name.addEventListener("input", label);
    remove.addEventListener("click", () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      (next ? next.querySelector("input") : this.list.parentElement.querySelector("button")).focus();
    });
    this.list.append(li);
    return li;
  }

  async load() {
    try {
      const contacts = await this.session.api("/contacts");
      this.list.replaceChildren();
      for (const c of contacts) this.row(c);
      this.status.textContent = contacts.length ? "" : "No contacts yet.";
    } catch (e) {
      this.status.textContent = `Contacts could not be loaded: ${e.message}`;
    }
  }

  collect() {
    const contacts = [];
    for (const li of this.list.children) {
      const name = li.querySelector(".c-name").value.trim();
      const phones = split(li.querySelector(".c-phones").value);
      const aliases = split(li.querySelector(".c-aliases").value);
      if (!name && !phones.length && !aliases.length) continue;
      if (!name) {
        li.querySelector(".c-name").focus();
        throw new Error("Every contact needs a name.");
      }
      contacts.push({ name, phones, aliases });
    }
    return contacts;
  }

  async save() {
    let contacts;
    try {
      contacts = this.collect();
    } catch (e) {
      this.status.textContent = e.message;
      return;
    }
    this.status.textContent = "Saving…";
    try {
      await this.session.api("/contacts", { method: "PUT", json: contacts });
      this.status.textContent = `Saved ${contacts.length} contact${contacts.length === 1 ? "" : "s"}.`;
    } catch (e) {
      this.status.textContent = `Not saved: ${e.message}`;
    }
  }
}
