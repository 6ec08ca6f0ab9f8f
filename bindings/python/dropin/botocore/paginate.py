from awsc.paginate import PageIterator, Paginator  # noqa: F401
