// Moves a donation prompt set to "after paragraph N" from the end of the article to just
// after that paragraph. Without JavaScript, or when the article is shorter, it stays after
// the body, where the server put it.
(function () {
  "use strict";
  document.querySelectorAll("aside.donation[data-donation-paragraph]").forEach(function (prompt) {
    var number = parseInt(prompt.getAttribute("data-donation-paragraph"), 10);
    var body = document.querySelector(".article__body");
    if (!body || !(number > 0)) {
      return;
    }
    var paragraphs = body.querySelectorAll(":scope > p");
    if (paragraphs.length <= number) {
      return;
    }
    paragraphs[number - 1].after(prompt);
  });
})();
