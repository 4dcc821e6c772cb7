"""A first Orange Cloud job: it runs inside a locked-down container on a provider."""
import platform
import sys

print("Hello from Orange Cloud!")
print(f"Python {platform.python_version()} on {platform.machine()}")
print(f"sum of squares below 1000: {sum(n * n for n in range(1000))}")
print("this line went to stderr", file=sys.stderr)
