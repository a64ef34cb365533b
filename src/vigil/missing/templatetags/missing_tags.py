"""Template filters for the missing-children pages."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``labels|get_item:grade`` — a value from a mapping (grade labels, indicator labels)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
