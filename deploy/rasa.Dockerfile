# Rasa Open Source 3.6.21 in its own Python 3.10 image; the model is trained at build time, never committed.
FROM python:3.10-slim
WORKDIR /nlu
RUN pip install --no-cache-dir rasa==3.6.21
COPY nlu /nlu
ENV RASA_TELEMETRY_ENABLED=false
RUN rasa train --fixed-model-name hotline --out models
EXPOSE 5005
CMD ["rasa", "run", "--enable-api", "-m", "models/hotline.tar.gz", "--endpoints", "/config/endpoints.yml"]
