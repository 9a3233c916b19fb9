// Account picker on the record forms: suggest accounts as the user types (served by the
// JSON API, session-authenticated). The API's address comes from the datalist's
// data-suggest-url (a static file, so the Content-Security-Policy runs it).
(function () {
  var input = document.getElementById("id_account"), list = document.getElementById("account-options");
  if (!input || !list || !list.dataset.suggestUrl) { return; }
  input.setAttribute("list", "account-options");
  input.addEventListener("input", function () {
    if (input.value.length < 2 || input.value.indexOf("[#") >= 0) { return; }
    fetch(list.dataset.suggestUrl + "?limit=20&q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        list.innerHTML = "";
        data.items.forEach(function (a) { var o = document.createElement("option"); o.value = a.name + " [#" + a.id + "]"; list.appendChild(o); });
      });
  });
})();
