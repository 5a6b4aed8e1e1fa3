"""Distributed training on MPI (``kvstore = "dist_sync"``, docs/DISTRIBUTED.md): the workers'
exchanges (comm.py), the sums in a fixed rank order (reduce.py) and the distributed
key-value store (kvstore.py). mpi4py is imported only when a distributed store is created.
"""
