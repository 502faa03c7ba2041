"""The topology map: who can reach whom, through which network, and what is exposed.

Pure logic, no Textual and no docker-py: `graph` turns a Snapshot into nodes
and edges, `layout` places them, `render` paints a picture (rich Segments/Text)
and `export` writes Mermaid, DOT and SVG. Nothing here is imported until the
map is used (`netui map`, or the TUI's map view).
"""
