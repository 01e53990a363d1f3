"""What jw writes: new records and assessments (create-only, atomic), repositories, schemas."""
