"""Government-information-disclosure metadata of documents (CON-10, national.md §7): pure checks.

``classification`` (主题分类), ``document_numbers`` (发文字号), ``index_numbers`` (索引号) with
``org_codes`` (统一社会信用代码 / 组织机构代码), ``validity`` (有效性) and ``metadata`` (the whole
block at once). No models: the content app stores the values these modules validate.
"""
