from django import template

register = template.Library()


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current page, with the ends, and … between.

    Computed here rather than in the template: looping over every page of a
    list of 100,000 actions in a template took longer than the rest of the page.
    """
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=2, on_ends=1
        )
    )
