"""Label printers, one module a job: `facts` (languages, addresses, models: light), `model` (the label and its
sizes), `layout` and `render` (dots), `barcode` (zint), `ql` (Brother QL raster and status), `zpl` (ZPL II and
host status), `transport` (TCP, file, serial), `printing` (check, prepare, send and read the proof), `errors`,
`preview` (a label in the terminal) and `emulator` (stand-in printers with faults, for tests and demos).

Nothing is imported here, so that `drivers.printer.facts` stays cheap to load.
"""
