// Autosave of an admin form (desk.admin.KeepsWriting): what the form holds is posted to the
// desk every 30 seconds when something changed, and when the page is hidden or left. Saved
// for its user only, never over the object itself. Without JavaScript the form works as ever.
//
// Its settings are the data attributes of #desk-autosave (desk/templates/desk/notice.html).
// The body editor (django-prose-editor) writes its HTML into its textarea, and fires "input",
// on every change: the form's data is always current.
(() => {
  "use strict";

  const INTERVAL_MS = 30_000;

  const settings = document.getElementById("desk-autosave");
  const form = settings && document.getElementById(settings.dataset.form);
  if (!form) {
    return;
  }
  const prefix = settings.dataset.prefix;

  // The form carries its key, so that saving it deletes its autosave (an add form's).
  const key = document.createElement("input");
  key.type = "hidden";
  key.name = `${prefix}form_key`;
  key.value = settings.dataset.formKey;
  form.append(key);

  let changed = false;
  let submitted = false;
  const markChanged = () => {
    changed = true;
  };
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  // Once the form is sent, its save is the journalist's: an autosave made while the page
  // unloads would outlive it.
  form.addEventListener("submit", () => {
    submitted = true;
  });

  function formData() {
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      // Files are not autosaved: the journalist chooses them again.
      if (value instanceof File) {
        data.delete(name);
      }
    }
    data.set(`${prefix}content_type`, settings.dataset.contentType);
    data.set(`${prefix}object_id`, settings.dataset.objectId);
    return data;
  }

  function save(leaving) {
    if (!changed || submitted) {
      return;
    }
    changed = false;
    const data = formData();
    // The CSRF token is one of the form's fields: it goes along in the body.
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(settings.dataset.url, data)) {
      return;
    }
    fetch(settings.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: leaving,
    })
      .then((response) => {
        // Not kept (a session that ended answers with the login page): try again later.
        if (!response.ok || response.redirected) {
          changed = true;
        }
      })
      .catch(() => {
        changed = true;
      });
  }

  window.setInterval(() => save(false), INTERVAL_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", () => save(true));
})();
