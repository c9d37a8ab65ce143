# The application image: current libraries, Python 3.11.
FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY hotline hotline
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY console console
RUN pip install --no-cache-dir .
ENV PORT=8080
EXPOSE 8080
CMD ["hotline", "run"]
