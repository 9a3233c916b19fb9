// Starts Swagger UI on /api/v1/docs from the settings the page carries as JSON (a static
// script: the Content-Security-Policy runs no inline one). "Try it out" from the page uses
// the visitor's session, so unsafe methods carry the CSRF token like every other form.
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (request) {
    if (csrfToken) { request.headers["X-CSRFToken"] = csrfToken; }
    return request;
  };
  window.ui = SwaggerUIBundle(settings);
})();
