// A video in an article is a placeholder until the reader presses play (articles/body.py):
// nothing comes from the video's provider before that. This script shows the play buttons and,
// on a press, puts the provider's privacy-enhanced player in the placeholder's place, then
// gives it the focus so that keyboard users are in the player. Without JavaScript the buttons
// stay hidden and the link to the video's page is what readers get. The frame can only come
// from the players the Content-Security-Policy's frame-src names.
(function () {
  "use strict";
  var ALLOW = "autoplay; fullscreen; picture-in-picture; encrypted-media";

  document.querySelectorAll("figure.embed .embed__play[data-embed-src]").forEach(function (button) {
    var src = button.getAttribute("data-embed-src");
    var placeholder = button.closest(".embed__placeholder");
    if (!placeholder || src.indexOf("https://") !== 0) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.className = "embed__frame";
      frame.setAttribute("src", src);
      frame.setAttribute("title", button.getAttribute("data-embed-title") || "");
      frame.setAttribute("allow", ALLOW);
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      placeholder.replaceWith(frame);
      frame.focus();
    });
  });
})();
