"""Routers for apps whose API is a package of modules rather than one ``api.py``.

Django Ninja names an operation after the module of its handler
(``hamsu_funnel_api_list_leads`` for ``hamsu.funnel.api.list_leads``). The ids are
public — clients generate their code from the API document — so when an app's
``api.py`` becomes a package its operations keep the ids they had:
``StableIdRouter(id_prefix="hamsu.funnel.api")`` names every operation that does not
set ``operation_id`` itself ``<prefix>_<handler name>``, whichever module holds it.
"""

from __future__ import annotations

from ninja import Router


class StableIdRouter(Router):
    def __init__(self, *args, id_prefix: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.id_prefix = id_prefix

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs) -> None:
        if operation_id is None:
            operation_id = f"{self.id_prefix}.{view_func.__name__}".replace(".", "_")
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)
