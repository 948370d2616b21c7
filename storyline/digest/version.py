"""The digest's version, in a module of its own: reading it (to tell whether a stored digest
is current) must not import the summarizer and its libraries, so that ``storyline show``
answers from a stored digest without loading them.

Derived from the digest's code, the stance model it pairs claims and denials with, the text
layer and the data model (``storyline.versions``); the analysis has its own version, which
stored digests carry beside this one (``serve.digests.method_version``).
"""

from storyline.versions import code_version

VERSION = "d" + code_version("digest", "stance", "text", "model.py", "versions.py")
