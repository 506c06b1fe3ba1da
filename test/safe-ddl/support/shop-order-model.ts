/**
 * The model both safe-ddl suites change: a populated \`shop_order\` (V1) gains an index, a unique
 * constraint, a CHECK, NOT NULL and a foreign key to \`customer\` (V2), each of which must not block its
 * writers.
 */
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';

@Entity({ tableName: 'customer' })
export class V1Customer {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'shop_order' })
export class V1Order {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'customer_id', nullable: true }) customerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}

@Entity({ tableName: 'customer' })
export class V2Customer {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'shop_order' })
@Index({ name: 'shop_order_code_idx', properties: ['code'] })
@Unique({ name: 'shop_order_ref_unique', properties: ['ref'] })
@Check({ name: 'shop_order_qty_positive', expression: 'qty > 0' })
export class V2Order {
  @PrimaryKey() id!: number;
  @ManyToOne(() => V2Customer, { fieldName: 'customer_id', nullable: true }) customer?: V2Customer;
  @Property() code!: string;
  @Property() ref!: string;
  @Property() qty!: number;
}
