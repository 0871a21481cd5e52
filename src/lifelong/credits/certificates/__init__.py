"""Certificates without Django: checking an uploaded file (``validation``) and reading a PDF
certificate's fields (``reader``). Used by the web app, the API and ``lifelong certificate
read``."""
