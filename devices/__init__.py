"""Device layer: pen tablets and signature pads, fingerprint readers, camera, microphone, recorder.

Imports nothing of Inkseal's and no Qt; drivers talk real protocols over swappable transports.
"""
