// Draws /api/v1/docs with the vendored Swagger UI; the spec's address comes from the page (no inline script).
(function () {
  var holder = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: holder.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false
  });
})();
