"""genai-interop's generator: C headers -> API model -> C#, cffi and C renderings."""

__version__ = "0.1.0"
