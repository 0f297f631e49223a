from wagtail import hooks

from spero_site import admin_widgets
from spero_site.page_cache import allow_caching

hooks.register("before_serve_page", allow_caching)

# The admin's widgets start from static/js/admin-init.js, not from inline scripts.
admin_widgets.install()
hooks.register("insert_global_admin_js", admin_widgets.global_admin_js)
