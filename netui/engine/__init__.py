"""The engine layer: talking to Docker, the topology model, probes. No Textual imports here."""
