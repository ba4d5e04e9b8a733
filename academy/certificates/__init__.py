"""Certificates: issuing, rendering to PDF in any script, and signing them so
anyone can verify one offline with the public key."""
