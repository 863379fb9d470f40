import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventType } from '@app/contracts';

/** An event the saga kept until it reaches the step that uses it, as saga.parked_event holds it. */
export interface ParkedEvent {
  eventId: string;
  type: EventType;
  correlationId: string;
  data: unknown;
}

/** saga.parked_event: events that overtook the step that uses them, replayed as soon as the saga moves. */
@Injectable()
export class ParkedEventRepository {
  async park(manager: EntityManager, orderId: string, event: ParkedEvent): Promise<void> {
    await manager.query(
      `INSERT INTO saga.parked_event (event_id, order_id, event_type, correlation_id, data)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [event.eventId, orderId, event.type, event.correlationId, JSON.stringify(event.data)],
    );
  }

  /** The events parked for an order, oldest first. */
  parked(manager: EntityManager, orderId: string): Promise<ParkedEvent[]> {
    return manager.query<ParkedEvent[]>(
      `SELECT event_id AS "eventId", event_type AS type, correlation_id AS "correlationId", data
         FROM saga.parked_event WHERE order_id = $1 ORDER BY parked_at, event_id`,
      [orderId],
    );
  }

  async unpark(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query(`DELETE FROM saga.parked_event WHERE event_id = $1`, [eventId]);
  }
}
