export { Model } from './model';
export { Field, PrimaryKey } from './field';
export { ForeignKey, OneToOne, ManyToMany } from './relations';
