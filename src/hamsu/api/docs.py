"""The API's interactive documentation (/api/v1/docs): Swagger UI served from Hamsu's own
static files (swagger-ui-dist from npm, collected like every front-end library), started by
a static script — so it works offline and under the Content-Security-Policy, which allows
no CDN and no inline script."""

from __future__ import annotations

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    template = "api/swagger.html"

    def __init__(self):
        # No call to the public validator (it would send the document to a third party).
        super().__init__(settings={"validatorUrl": None, "persistAuthorization": False})

    def render_page(self, request, api, **kwargs):
        context = {
            "swagger_settings": json.dumps({**self.settings, "url": self.get_openapi_url(api, kwargs)}),
            "api": api,
        }
        return render(request, self.template, context)
