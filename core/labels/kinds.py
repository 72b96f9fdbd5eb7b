"""The kinds of label this app prints, and the states a stored label goes through: one home for both names."""

PALLET = "pallet"
CARTON = "carton"
PRODUCT = "product"
TRACKID = "trackid"
#: A job's labels, in the order a set is stored and printed: pallets first, they are what a line needs first.
JOB_KINDS = (PALLET, CARTON, PRODUCT)
ALL_KINDS = JOB_KINDS + (TRACKID,)

# --- states of a label in the print queue ----------------------------------------------------------------------
QUEUED = "QUEUED"  # stored, waiting for its printer (a failed try puts it back with the reason and a next try)
SENDING = "SENDING"  # claimed by a sender; its lease runs out if the sender dies
PRINTED = "PRINTED"  # the printer proved it printed (or, for a file, the bytes were written), or a person saw it
UNCONFIRMED = "UNCONFIRMED"  # sent, but no proof that it printed: a person checks the printer, then prints it
#                              again (same label, same SSCC) or says it came out
FAILED = "FAILED"  # cannot print as stored, or left half-sent by a sender that stopped: a supervisor decides
VOID = "VOID"  # taken out of circulation by a supervisor
#: Owed to a printer or waiting on a person: what the queue view lists.
OPEN_STATES = (QUEUED, SENDING, UNCONFIRMED, FAILED)
