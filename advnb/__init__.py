__version__ = "0.0.1"

import warnings
# fastai 2.8 compiles a few activation functions with `torch.jit.script` when it is imported; torch 2.14 deprecates
# that API and warns on every import, about fastai's code rather than the caller's. Only that one message is hidden.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
