# cffi has no pyproject.toml key for cffi_modules, so this file only carries that one setting.
from setuptools import setup

setup(cffi_modules=["native/build_ffi.py:ffibuilder"])
