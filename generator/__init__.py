"""Paper Digest: listing pages -> a themed, searchable MkDocs site.

Stages, in order: sources (read) -> parse -> merge -> themes / curation ->
pages and data (render) -> site (all files) -> mkdocs_hook or cli (write).
"""
