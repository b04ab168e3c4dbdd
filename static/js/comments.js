// Comments: small enhancements only. Without JavaScript, "New image" posts the form and the
// server shows it again with the reader's text and a fresh captcha.
(function () {
  "use strict";

  function refreshCaptcha(form, button) {
    var url = form.getAttribute("data-captcha-refresh");
    var image = form.querySelector(".captcha__image");
    var key = form.querySelector("input[name='captcha_0']");
    var answer = form.querySelector("input[name='captcha_1']");
    if (!url || !image || !key) {
      return false;
    }
    button.disabled = true;
    fetch(url, {
      headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("captcha refresh failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        key.value = data.key;
        image.src = data.image_url;
        var audio = form.querySelector(".captcha__audio");
        if (audio && data.audio_url) {
          audio.href = data.audio_url;
        }
        if (answer) {
          answer.value = "";
          answer.focus();
        }
      })
      .then(
        function () {
          button.disabled = false;
        },
        function () {
          // Fall back on the server: post the form to get a new image, text kept.
          button.disabled = false;
          button.form.requestSubmit(button);
        }
      );
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".comment-form__refresh");
    if (!button || !button.form) {
      return;
    }
    if (refreshCaptcha(button.form, button)) {
      event.preventDefault();
    }
  });

  // After a failed post, bring the error summary into view for keyboard and screen reader users.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("comment-errors");
    if (summary) {
      summary.focus();
    }
  });

  // The emails a commenter may ask for need their address: offer them once one is typed (without
  // JavaScript they are always there, with a hint saying so).
  function offerNotices(form) {
    var email = form.querySelector("input[name='email']");
    var notices = form.querySelector("#comment-notices");
    if (!email || !notices) {
      return;
    }
    function update() {
      notices.hidden = !email.value.trim() && !notices.querySelector("input:checked");
    }
    email.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#comment-form form").forEach(offerNotices);
  });
})();
