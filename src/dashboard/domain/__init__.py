"""Sweden and the rules: regions and municipalities, the provisions of HSLF-FS 2022:39, geographic
levels, canonical columns, boundaries, place names, shipped files. The bottom layer: imports nothing
of the project but ``i18n``.
"""
