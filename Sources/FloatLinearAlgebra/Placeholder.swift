import CLAPACKE
