"""The web front: the public Service Request form and its status link, respondents' pages, Open311 GeoReport v2.

A Starlette ASGI app served by uvicorn (`calldesk serve`); it writes only through the store's service layer."""
