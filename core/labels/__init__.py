"""Labels: what a job's labels and a container's TrackID label say, how many a job needs, and everything that
happens to a label after it is asked for. One module a job:

- `kinds` the kinds of label and the states of a stored label; `plan` how many of each kind a job needs;
- `job`, `job_facts` a job's facts as labels need them; `stack`, `pallet`, `carton`, `product`, `trackid`,
  `logistic`, `job_set`, `sizes` what each label says and on which stock it goes;
- `targets` where labels go; `sets` storing a new set; `stored` the label rebuilt from what was stored;
- `queue` putting a label in the print queue and listing it; `sender` sending it to its printer and reading
  the printer's proof; `reprints` reprints and voids; `ledger` a job's counts.

Printer facts (languages, address forms, models, sizes) belong to drivers.printer and are imported from there.
Nothing is imported here: picking and returns queue labels without loading the renderers.
"""
