"""Run machinery, apart from what a run computes: reader worker processes with time and
memory limits (`workers`, preloaded by `warm`) and one run at a time per output folder
(`runlock`)."""
